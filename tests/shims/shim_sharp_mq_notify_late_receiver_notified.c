/* The late, never-removed notification of shim_sharp_mq_late_ghost.h, one
 * shim per test it must turn red (the self-test names a case after its
 * shim). */
#include "shim_sharp_mq_late_ghost.h"
