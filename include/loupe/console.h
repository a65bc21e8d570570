#pragma once

/*
 * The console protocol (docs/ipc-protocols.md), spoken over the endpoint
 * in every task's LOUPE_SLOT_STDIO. Messages are register-only: at most
 * LOUPE_CONSOLE_CHUNK bytes travel per message, packed little-endian into
 * w[1..3]; w[0] holds the byte count.
 *
 *   WRITE  w0 = n (1..24), w1..w3 = bytes  -> reply w0 = n written
 *   READ   w0 = max (1..24)                -> reply w0 = n (0 at end of
 *          input), w1..w3 = bytes of the current line; the reply comes when
 *          a line is complete (canonical input, echo, erase)
 *
 * A reply's label is 0; w0 < 0 is -errno for a malformed request.
 */
#define LOUPE_CONSOLE_WRITE 1
#define LOUPE_CONSOLE_READ 2
#define LOUPE_CONSOLE_CHUNK 24
