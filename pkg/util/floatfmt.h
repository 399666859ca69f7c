/*
 * Floating-point text as upstream's Go programs print it, for output that
 * must match byte for byte: error messages (fmt's %v), YAML (yaml.v2 prints
 * floats with strconv.FormatFloat(f, 'g', -1, 64)) and JSON (encoding/json).
 *
 * Every form uses the shortest decimal digits that read back as the same
 * float of the given width (32 or 64 bits), as Go's shortest formatting
 * does; the digits come from the C library's correctly rounded conversions.
 */
#ifndef CK_UTIL_FLOATFMT_H
#define CK_UTIL_FLOATFMT_H

#include "util/buf.h"

/*
 * Appends v as Go's strconv.FormatFloat(v, 'g', -1, bits), bits 32 or 64
 * (32 first rounds v to a float), which is also fmt's %v: the exponent form
 * when the decimal exponent is below -4 or at least 6 ("1e+06", "1.5e-05",
 * at least two exponent digits), else the plain form ("123456", "0.0001");
 * "-0", "+Inf", "-Inf" and "NaN" as Go spells them. 0 or -E2BIG.
 */
int ck_floatfmt_g(struct ck_buf *b, double v, int bits);

/*
 * Appends v as Go's encoding/json writes a float64: 'f' form for
 * 1e-6 <= |v| < 1e21 (and 0), else 'e' form with a one-digit negative
 * exponent kept short ("1e-7", "1e+21"). NaN and infinities have no JSON
 * form: -EDOM. 0 or -E2BIG otherwise.
 */
int ck_floatfmt_json(struct ck_buf *b, double v);

#endif
