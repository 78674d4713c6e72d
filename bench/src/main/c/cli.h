/* What the bench's C programs share: one clear line and exit code 2, as the chapters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *program = "bench";

/* A number argument in lo..hi, or one line on stderr and exit 2. */
static int parse(const char *s, long lo, long hi, const char *what) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) {
        fprintf(stderr, "%s: bad %s '%s': expected %ld..%ld\n", program, what, s, lo, hi);
        exit(2);
    }
    return (int) v;
}

/* A failed call that leaves nothing to do: its name and strerror, exit 2. */
static void die(const char *call) {
    fprintf(stderr, "%s: %s: %s\n", program, call, strerror(errno));
    exit(2);
}
