/* Elapsed time for measurements (copies, windows, latencies). */
#ifndef KG_CLOCK_H
#define KG_CLOCK_H

/* Seconds on the monotonic clock: only differences mean anything. */
double clock_seconds(void);

#endif
