/* relink-sign-in.c: being written. */
#include "config.h"
