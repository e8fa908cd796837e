/* Shared by the libFuzzer harnesses: a private directory to write the input
 * into, for the parsers that read files by name. */
#ifndef KG_FUZZ_H
#define KG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* The harness's own directory (created once, under TMPDIR). */
const char *fuzz_dir(void);
/* Writes data to dir/name; aborts when it cannot (the harness is broken). */
void fuzz_write(const char *dir, const char *name, const uint8_t *data, size_t size);

#endif
