/* Kubernetes resource quantities read back: "500m", "2", "512Mi", "4G".
 * A quantity these do not understand reads as 0 (unknown). */
#include "k8s/quantity.h"

#include <stdlib.h>
#include <string.h>

#include "util/number.h"

double parse_cpu_quantity(const char *q)
{
	char *end;
	double v;

	if (!q)
		return 0;
	v = strtod(q, &end);
	return *end == 'm' ? v / 1000 : v;
}

long long parse_memory_quantity(const char *q)
{
	static const struct {
		const char *sfx;
		long long mult;
	} units[] = {{"Ki", 1LL << 10}, {"Mi", 1LL << 20}, {"Gi", 1LL << 30}, {"Ti", 1LL << 40},
		     {"k", 1000}, {"M", 1000000}, {"G", 1000000000}, {"", 1}};
	char *end;
	double v;

	if (!q)
		return 0;
	v = strtod(q, &end);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double bytes = v * (double)units[i].mult;

		if (strcmp(end, units[i].sfx) == 0)
			return number_fits_ll(bytes) ? (long long)bytes : 0;
	}
	return 0;
}
