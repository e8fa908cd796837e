/* What a pasted HTTP exchange (curl -I, -i, -v or -w '%{http_code}') shows
 * beyond its lines: an answer that redirects the request to the very URL
 * that was asked is a redirect loop, though no client has said so yet (a
 * proxy behind a load balancer or CDN that ends TLS redirecting https to
 * https, https://github.com/stashapp/stash-box/issues/936); a client error
 * is a failure the user asked about, though no log line says error. */
#include "diagnose/diagnose.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static size_t skip_blanks(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* curl -v marks the answer's lines with "< ". */
static size_t answer_start(const char *s, size_t len)
{
	size_t i = skip_blanks(s, len, 0);

	if (i + 1 < len && s[i] == '<' && s[i + 1] == ' ')
		i += 2;
	return i;
}

/* The first http:// or https:// word of a curl command. A command whose URL
 * has no scheme (curl takes http://) or is too long to keep forgets the one
 * before, so that its answer is never judged against another request. */
static void remember_request(struct dx_http_exchange *x, const char *s, size_t len)
{
	const char *p = memmem(s, len, "http", 4);

	x->url[0] = '\0';
	x->redirect_status = 0;
	x->code_only = false;
	x->answered = false;
	while (p) {
		size_t rest = len - (size_t)(p - s), n = 0;

		if ((rest > 7 && memcmp(p, "http://", 7) == 0) || (rest > 8 && memcmp(p, "https://", 8) == 0)) {
			while (n < rest && !isspace((unsigned char)p[n]) && p[n] != '"' && p[n] != '\'')
				n++;
			if (n < sizeof(x->url)) {
				memcpy(x->url, p, n);
				x->url[n] = '\0';
				x->code_only = memmem(s, len, "%{http_code}", 12) != NULL;
			}
			return;
		}
		p = rest > 4 ? memmem(p + 4, rest - 4, "http", 4) : NULL;
	}
}

/* The length of s without its trailing slashes. */
static size_t without_trailing_slashes(const char *s, size_t n)
{
	while (n > 0 && s[n - 1] == '/')
		n--;
	return n;
}

/* Whether a Location names the requested URL itself: the whole URL, or for
 * a relative Location the part after the host; a trailing slash aside. */
static bool same_target(const char *url, const char *loc, size_t n)
{
	const char *want = url, *host;
	size_t ul = strlen(url);

	if (n == 0)
		return false;
	if (loc[0] == '/') {
		host = strstr(url, "://");
		want = host ? strchr(host + 3, '/') : NULL;
		if (!want)
			want = url + ul;
	}
	ul = without_trailing_slashes(want, ul - (size_t)(want - url));
	n = without_trailing_slashes(loc, n);
	return n == ul && strncasecmp(want, loc, n) == 0;
}

/* The three digits of an HTTP status at s, or 0. */
static int status_code(const char *s, size_t n)
{
	if (n < 3 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
	    (n > 3 && isdigit((unsigned char)s[3])))
		return 0;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/* What the answer shows, as the line the signatures are held against:
 * "<marker> <status> to <url>". */
static void observe_answer(struct dx_run *run, const char *marker, int code, const char *url,
			   const struct dx_origin *o)
{
	char text[DX_HTTP_URL_MAX + 64];
	int w = snprintf(text, sizeof(text), "%s %d to %s", marker, code, url);

	dx_observe(run, text, (size_t)w < sizeof(text) ? (size_t)w : sizeof(text) - 1, o, DX_ANY);
}

/* A 4xx anywhere; a 5xx only where the status is a bare number, since a 5xx
 * status line says "Internal Server Error" or "HTTP/1.1 502" by itself. */
static void error_answer(struct dx_run *run, const char *url, int code, bool bare, const struct dx_origin *o)
{
	if (code >= 400 && code <= 499)
		observe_answer(run, DX_HTTP_CLIENT_ERROR, code, url, o);
	else if (bare && code >= 500 && code <= 599)
		observe_answer(run, DX_HTTP_SERVER_ERROR, code, url, o);
}

/* The status a JSON error body names, or 0. Keycloak 17+ answers a path it
 * does not serve with {"error":"HTTP 404 Not Found"}, which is all a plain
 * curl shows of the answer (https://github.com/keycloak/keycloak/issues/10559). */
static int json_body_status(const char *s, size_t len)
{
	static const char key[] = "\"error\"", word[] = "\"HTTP ";
	size_t i = skip_blanks(s, len, 0);

	if (i >= len || s[i] != '{')
		return 0;
	i = skip_blanks(s, len, i + 1);
	if (len - i < sizeof(key) - 1 || memcmp(s + i, key, sizeof(key) - 1) != 0)
		return 0;
	i = skip_blanks(s, len, i + sizeof(key) - 1);
	if (i >= len || s[i] != ':')
		return 0;
	i = skip_blanks(s, len, i + 1);
	if (len - i < sizeof(word) - 1 || memcmp(s + i, word, sizeof(word) - 1) != 0)
		return 0;
	i += sizeof(word) - 1;
	return status_code(s + i, len - i > 4 ? 4 : len - i);
}

/* A request and its status as a browser's network panel is retold:
 * "GET /resources/x.css -> 404". */
static bool retold_request(struct dx_run *run, const char *s, size_t len, const struct dx_origin *o)
{
	static const char *const methods[] = {"GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "PATCH ", NULL};
	char url[DX_HTTP_URL_MAX];
	const char *arrow = memmem(s, len, "-> ", 3);
	size_t i = skip_blanks(s, len, 0), n;

	if (!arrow || arrow - s < 6)
		return false;
	for (size_t k = 0; methods[k]; k++) {
		n = strlen(methods[k]);
		if (len - i > n && memcmp(s + i, methods[k], n) == 0 && (s[i + n] == '/' || s[i + n] == 'h')) {
			size_t at = (size_t)(arrow + 3 - s), u = i + n, ul = 0;

			while (u + ul < len && !isspace((unsigned char)s[u + ul]))
				ul++;
			if (ul >= sizeof(url) || skip_blanks(s, len, u + ul) != (size_t)(arrow - s))
				return false;
			memcpy(url, s + u, ul);
			url[ul] = '\0';
			error_answer(run, url, status_code(s + at, len - at), true, o);
			return true;
		}
	}
	return false;
}

void dx_http_line(struct dx_run *run, struct dx_http_exchange *x, const char *s, size_t len,
		  const struct dx_origin *o)
{
	size_t i;

	if (retold_request(run, s, len, o))
		return;

	if (memmem(s, len, "curl ", 5)) {
		remember_request(x, s, len);
		return;
	}
	if (!x->url[0])
		return;
	i = answer_start(s, len);
	if (x->code_only) {
		/* -w '%{http_code}' prints the status alone on the next line */
		x->code_only = false;
		if (len - i == 3) {
			x->answered = true;
			error_answer(run, x->url, status_code(s + i, 3), true, o);
		}
		return;
	}
	if (len - i > 9 && memcmp(s + i, "HTTP/", 5) == 0) {
		const char *sp = memchr(s + i, ' ', len - i);
		int code = sp ? status_code(sp + 1, (size_t)(s + len - sp - 1)) : 0;

		x->redirect_status = code >= 300 && code < 400 ? code : 0;
		x->answered = code > 0;
		error_answer(run, x->url, code, false, o);
		return;
	}
	if (!x->answered) {
		int code = json_body_status(s, len);

		if (code) {
			x->answered = true;
			error_answer(run, x->url, code, false, o);
			return;
		}
	}
	if (x->redirect_status && len - i > 9 && strncasecmp(s + i, "location:", 9) == 0) {
		size_t v = skip_blanks(s, len, i + 9), n = len - v;

		while (n > 0 && isspace((unsigned char)s[v + n - 1]))
			n--;
		if (!same_target(x->url, s + v, n))
			return;
		observe_answer(run, DX_REDIRECT_TO_ITSELF, x->redirect_status, x->url, o);
		x->redirect_status = 0;
	}
}
