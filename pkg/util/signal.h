/*
 * Clean shutdown on SIGINT/SIGTERM, as upstream's SetupSignalHandler: the
 * first signal asks the program to stop (ck_signal_stopping() turns true and
 * every fd from ck_signal_fd() becomes readable, so poll loops wake); a
 * second one exits at once with status 1. SIGPIPE is ignored (broken
 * connections are errors from write, not deaths).
 */
#ifndef CK_UTIL_SIGNAL_H
#define CK_UTIL_SIGNAL_H

#include <stdbool.h>

/* Installs the handlers; 0 or a negative errno. Call once from main. */
int ck_signal_setup(void);
/* True once SIGINT or SIGTERM arrived (or ck_signal_request_stop ran). */
bool ck_signal_stopping(void);
/* Asks for the same shutdown as a signal (tests, fatal paths). */
void ck_signal_request_stop(void);
/* An fd that becomes readable on stop (never read from it); -1 before setup. */
int ck_signal_fd(void);
/* Blocks until stop is asked for. */
void ck_signal_wait(void);

#endif
