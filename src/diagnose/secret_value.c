/* What a paste shows that is not a log line: a Secret's base64 value.
 *
 * A credential made with `echo` (no -n) or --from-file carries a newline the
 * client then sends; the server, which stored the password without it,
 * refuses the login. The value is decoded here, never kept or printed: only
 * the key's name and the fact reach the knowledge base, as one line. */
#include "diagnose/diagnose.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#define SECRET_VALUE_MAX 512   /* longer values are certificates or files, not credentials */

/* Decodes standard base64 with its padding into out (cap >= 3 * len / 4);
 * returns the length, or -1 when b64 is not base64. OpenSSL's block decoder
 * counts the padding as zero bytes, which are taken off again here. */
static int b64_decode(const char *b64, size_t len, unsigned char *out, size_t cap)
{
	int n, pad = 0;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > cap || len > INT_MAX)
		return -1;
	if (b64[len - 1] == '=')
		pad = b64[len - 2] == '=' ? 2 : 1;
	n = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)len);
	return n < 0 ? -1 : n - pad;
}

/* A credential with one newline, at its end, and no other control byte. */
static bool ends_in_lone_newline(const unsigned char *v, int n)
{
	if (n < 2 || v[n - 1] != '\n')
		return false;
	for (int i = 0; i < n - 1; i++)
		if (v[i] < 0x20 || v[i] == 0x7f)
			return false;
	return true;
}

void dx_observe_secret_value(struct dx_run *run, const char *key, size_t keylen, const char *b64, size_t len,
			     const struct dx_origin *o)
{
	unsigned char value[SECRET_VALUE_MAX];
	char line[256];
	int n, w;

	if (len > SECRET_VALUE_MAX || keylen == 0 || keylen > 100)
		return;
	n = b64_decode(b64, len, value, sizeof(value));
	if (!ends_in_lone_newline(value, n))
		return;
	w = snprintf(line, sizeof(line), "Secret key %.*s decodes to a value that ends in a newline", (int)keylen, key);
	if (w > 0)
		dx_observe(run, line, (size_t)w < sizeof(line) ? (size_t)w : sizeof(line) - 1, o, DX_ANY);
	memset(value, 0, sizeof(value));
}

static bool is_b64_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
	       c == '=';
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.';
}

void dx_secret_line(struct dx_run *run, const char *s, size_t len, const struct dx_origin *o)
{
	size_t i = 0, k0, k1, v0;

	while (i < len && s[i] == ' ')
		i++;
	k0 = i;
	while (i < len && is_key_char(s[i]))
		i++;
	k1 = i;
	if (k1 == k0 || i + 1 >= len || s[i] != ':' || s[i + 1] != ' ')
		return;
	i += 2;
	while (i < len && s[i] == ' ')
		i++;
	v0 = i;
	while (i < len && is_b64_char(s[i]))
		i++;
	if (i != len || i - v0 < 4)
		return;
	dx_observe_secret_value(run, s + k0, k1 - k0, s + v0, i - v0, o);
}
