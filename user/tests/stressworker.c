/*
 * stressworker INDEX ROUNDS: one of stress's workers. Every round it yields
 * and sleeps, checking each time that the kernel gave back its registers
 * (FP/SIMD, FPCR, some x registers) and its TLS, whichever CPU it resumes
 * on. Exits 0 if nothing was lost, 1 otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>

#include "regcheck.h"

static __thread uint64_t tls_mark;

int main(int argc, char *argv[])
{
	int index, rounds, lost = 0;
	struct timespec nap;

	if (argc != 3) {
		printf("usage: stressworker INDEX ROUNDS\n");
		return 2;
	}
	index = atoi(argv[1]);
	rounds = atoi(argv[2]);
	/* Different sleeps shuffle the workers' wake-ups. */
	nap = (struct timespec){ 0, (1 + index % 4) * 500 * 1000 };
	tls_mark = 0x5eed0000u + index;

	for (int r = 0; r < rounds; r++) {
		uint64_t seed = (uint64_t)index << 32 | (uint64_t)r << 1;
		long ret;

		lost += regcheck_syscall(seed, SYS_sched_yield, 0, 0, &ret) != 0;
		lost += regcheck_syscall(seed | 1, SYS_nanosleep, (long)&nap, 0, &ret) != 0;
		lost += ret != 0;
		lost += tls_mark != 0x5eed0000u + index;
	}
	if (lost)
		printf("stressworker %d: %d rounds lost registers or TLS\n", index, lost);
	return lost != 0;
}
