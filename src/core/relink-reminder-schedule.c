/* relink-reminder-schedule.c: being written. */
#include "config.h"
