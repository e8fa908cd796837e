/* Strict numbers from text: the whole string is the number, nothing before or
 * after it, and out of range is an error, never a wrap or a silent clamp
 * (atoi("4x") is 4, atoi("99999999999999999999") is undefined). */
#ifndef KG_NUMBER_H
#define KG_NUMBER_H

#include <stdbool.h>

/* A decimal integer (optional '-') within [min, max]. */
bool number_int(const char *s, long long min, long long max, long long *out);
/* A finite decimal number within [min, max]; no hex, inf or nan. */
bool number_real(const char *s, double min, double max, double *out);

/* v converts to long long without undefined behaviour: finite and within
 * its range (a YAML .inf or 1e30 does not). */
bool number_fits_ll(double v);

/* v in decimal, without printf (which, on hot paths, cost more than the work
 * around it): the digits end at the end of buf; returns where they start.
 * Not NUL-terminated; the count is buf + NUMBER_DIGITS_MAX - returned. */
#define NUMBER_DIGITS_MAX 20
const char *number_digits(unsigned long long v, char buf[NUMBER_DIGITS_MAX]);

#endif
