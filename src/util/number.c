#include "util/number.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* strtol and strtod skip leading blanks and take "+"; a command-line value
 * with either is more likely a mistake than a number. */
static bool starts_like_number(const char *s)
{
	return s && (s[0] == '-' ? s[1] >= '0' && s[1] <= '9' : (s[0] >= '0' && s[0] <= '9') || s[0] == '.');
}

bool number_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!starts_like_number(s) || strchr(s, '.'))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool number_real(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!starts_like_number(s) || strpbrk(s, "xXpPnNiI"))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool number_fits_ll(double v)
{
	/* 2^63 is exact as a double; LLONG_MAX is not */
	return isfinite(v) && v >= -0x1p63 && v < 0x1p63;
}

const char *number_digits(unsigned long long v, char buf[NUMBER_DIGITS_MAX])
{
	char *p = buf + NUMBER_DIGITS_MAX;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}
