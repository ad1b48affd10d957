/* The page-boundary split of shim_sharp_split_at_page.h, one shim per test
 * it must turn red (the self-test names a case after its shim). */
#include "shim_sharp_split_at_page.h"
