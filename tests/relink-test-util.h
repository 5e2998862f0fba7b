/* relink-test-util.h: helpers shared by tests and benchmarks. */
#pragma once

#include <gio/gio.h>
