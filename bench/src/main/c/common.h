/* What the bench's C programs share. A bad argument or a failed call is one line on stderr,
   "program: what: why" (err(3)), and exit code 2, as the chapters. */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int parse(const char *s, long lo, long hi, const char *what) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) errx(2, "bad %s '%s': expected %ld..%ld", what, s, lo, hi);
    return (int) v;
}

static int tcp_socket(int flags) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
    if (fd < 0) err(2, "socket");
    return fd;
}

static void set_int(int fd, int level, int option, int value, const char *what) {
    if (setsockopt(fd, level, option, &value, sizeof value) < 0) err(2, "%s", what);
}
