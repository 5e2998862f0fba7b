/* relink-test-util.c */
#include "relink-test-util.h"
