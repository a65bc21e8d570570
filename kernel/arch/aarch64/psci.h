#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * PSCI, the Power State Coordination Interface: firmware (here QEMU itself)
 * services for powering CPUs and the system on and off, reached by an HVC
 * or SMC instruction as the device tree's /psci "method" says.
 */
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

#define PSCI_SUCCESS 0
#define PSCI_ALREADY_ON -4

enum psci_method { PSCI_METHOD_NONE, PSCI_METHOD_HVC, PSCI_METHOD_SMC };

void psci_init(enum psci_method method);
bool psci_available(void);
int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
int psci_cpu_on(uint64_t mpidr, uint64_t entry_pa, uint64_t context);
void psci_system_off(void);
void psci_system_reset(void);
