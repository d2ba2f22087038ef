// SPDX-License-Identifier: GPL-2.0
/*
 * tests/user/kcat.c - copy standard input to standard output until the end
 * of input, with a child sleeping meanwhile (so that the reader's wait is a
 * sleep, not a halt of the whole Kernel), then say how many bytes.
 */
#include "check.h"

int main(int argc, char **argv)
{
	char buf[64];
	long n, total = 0, ticker = sys_fork();
	int status = -1;

	if (ticker == 0) {
		sleep_ms(100);
		printf("kcat: the ticker ran while we read\n");
		return 0;
	}
	while ((n = sys_read(0, buf, sizeof(buf))) > 0) {
		sys_write(1, buf, n);
		total += n;
	}
	sys_wait4(ticker, &status, 0);
	CHECK("kcat", n == 0 && status == 0, "read %ld, ticker 0x%x\n", n,
	      status);
	printf("kcat: %ld bytes\n", total);
	if (!failed)
		printf("kcat: all\n");
	return failed;
}
