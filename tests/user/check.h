/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/user/check.h - what the Kernel's test programs share: CHECK() prints
 * "FAIL <prog>: ..." and remembers it; the program returns `failed`.
 */
#ifndef USER_CHECK_H
#define USER_CHECK_H
#include "usys.h"

static int failed;

#define CHECK(prog, cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printf("FAIL " prog ": " __VA_ARGS__);		\
			failed = 1;					\
		}							\
	} while (0)

/* Sleep @ms milliseconds. */
static void __attribute__((unused)) sleep_ms(long ms)
{
	struct timespec_32 ts = { ms / 1000, ms % 1000 * 1000000 };

	sys_nanosleep(&ts);
}
#endif
