/* relink-tray.c: being written. */
#include "config.h"
