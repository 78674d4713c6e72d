/* What the bench's C programs share. A bad argument or a failed call is one line on stderr,
   "program: what: why" (err(3)), and exit code 2, as the chapters. */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A number argument in lo..hi. */
static int parse(const char *s, long lo, long hi, const char *what) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) errx(2, "bad %s '%s': expected %ld..%ld", what, s, lo, hi);
    return (int) v;
}

static void set_int(int fd, int level, int option, int value, const char *what) {
    if (setsockopt(fd, level, option, &value, sizeof value) < 0) err(2, "%s", what);
}
