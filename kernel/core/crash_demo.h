#pragma once

/*
 * Deliberate crashes for teaching and tests (cmdline crash=KIND): each
 * makes the kernel fail in one well-defined way so the crash report can be
 * read, and tested, for that kind. docs/crash.md lists the kinds.
 */
void crash_demo(const char *kind);
