/* SPDX-License-Identifier: ISC */
/*
 * bytes.h - little-endian integers in byte buffers
 *
 * The on-disk forms (counters in the store, saved positions) are
 * little-endian whatever the host, so a database or a position moves
 * between machines unchanged. The caller owns the buffer and its size.
 */
#ifndef BYTES_H
#define BYTES_H

#include <stdint.h>

static inline void
le32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline uint32_t
le32_get(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16
	    | (uint32_t)p[3] << 24;
}

static inline void
le64_put(unsigned char *p, uint64_t v)
{
	le32_put(p, (uint32_t)v);
	le32_put(p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t
le64_get(const unsigned char *p)
{
	return le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

#endif
