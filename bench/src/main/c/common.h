/* What the bench's C programs share: the article's bytes, and one clear line
   with exit code 2 for a bad argument or a failed call, as the chapters. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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

static void set_int(int fd, int level, int option, int value, const char *what) {
    if (setsockopt(fd, level, option, &value, sizeof value) < 0) die(what);
}

/* The article's 114-byte response, as its header and its body. */
#define HEADER "HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
#define BODY "Hello, world!"
