#pragma once

#include <stdint.h>

/* CPU 0's tick: tell the bound console server about new log lines. */
void klog_tick(void);
/* Bind the notification in the caller's slot (send right) for `bits`. */
int klog_bind(uint64_t slot, uint64_t bits);
