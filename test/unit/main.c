/* The unit test binary: every suite in test-list.h. */
#define CK_TEST_LIST "../unit/test-list.h"
#include "../lib/test-main.h"
