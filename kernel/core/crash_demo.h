#pragma once

#include <stdbool.h>

/*
 * Deliberate crashes for teaching and tests (cmdline crash=KIND): each
 * makes the kernel fail in one well-defined way so the crash report can be
 * read, and tested, for that kind. docs/crash.md lists the kinds.
 */
void crash_demo(const char *kind);

/* crashat=console: crash_demo(kind) later, from CPU 0's timer tick, one
 * second after the user-space console server took UART0 over, so the
 * report has to reach the screen past the server (stage 4 on). Only the
 * kinds that make sense inside an interrupt handler are accepted. */
void crash_demo_at_console(const char *kind);
/* CPU 0's tick: is it time for the deferred crash? */
void crash_demo_tick(bool console_is_user);
