#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Remote-protocol packet framing: "$data#cs", cs the modulo-256 sum of data
 * as two hex digits. The receiver answers '+' (good) or '-' (resend) until
 * GDB and the stub agree on QStartNoAckMode. In data, '}' escapes the next
 * byte (XOR 0x20) and "c*n" repeats c (n - 29) more times.
 */
#define GDB_PACKET_MAX 0x1000 /* the PacketSize advertised in qSupported */

/* Why gdb_packet_recv returned without a packet. */
#define GDB_RX_OVERSIZED (-1) /* too long: acknowledged, answer with an error */

/* Read the next packet into buf (NUL-terminated, repeats expanded, escapes
 * kept). Bad checksums are answered with '-' and skipped. Returns the
 * length or GDB_RX_OVERSIZED. */
int gdb_packet_recv(char *buf, size_t size);

/* Send data as one packet (escaped and run-length encoded); in ack mode,
 * resend on '-' until GDB acknowledges. */
void gdb_packet_send(const char *data, size_t len);
void gdb_packet_send_str(const char *s);

/* QStartNoAckMode: stop sending and expecting acknowledgements. A '+' or a
 * qSupported from a newly attached GDB switches acks back on. */
void gdb_packet_set_noack(bool on);
bool gdb_packet_noack(void);
