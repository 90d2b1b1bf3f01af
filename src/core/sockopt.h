/* core/sockopt.h — moved to lang/sockopt.h (issue 12). This forward stays only for files other
 * helpers are editing now (src/kernel/, cli/complete.c): the lead removes it at the merge. */
#include "lang/sockopt.h"
