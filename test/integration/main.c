/* The integration test binary: every suite in test-list.h. */
#define CK_TEST_LIST "../integration/test-list.h"
#include "../lib/test-main.h"
