/*
 * Wire-level helpers for the cork and nagle experiments: what goes on the wire
 * is a matter of TCP options and write patterns, so these are small blocking C
 * programs that count segments with TCP_INFO and time round trips. All traffic
 * stays on 127.0.0.1; every loop is bounded by its count argument.
 *
 *   wire serve plain|cork|nodelay [port [backlog]]
 *       A one-client-at-a-time server that answers each request with the
 *       article's 114-byte response written in TWO sends (header, then body):
 *       plain = Nagle on, cork = TCP_CORK around the two sends,
 *       nodelay = TCP_NODELAY. Then shutdown(SHUT_RDWR) and close.
 *   wire count PORT N
 *       N requests to 127.0.0.1:PORT, a fresh connection each; per request one
 *       line "data_segments_in latency_us", read from the client socket's
 *       TCP_INFO (tcpi_data_segs_in) after end of stream.
 *   wire rtt on|off N
 *       N request/response round trips on one persistent connection where each
 *       side writes its message in two small writes, then reads the other's
 *       (write-write-read). "on" leaves Nagle on, "off" sets TCP_NODELAY on
 *       both sides. One line per round trip: "rtt_us".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char HEADER[] =
    "HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n"
    "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n";
static const char BODY[] = "Hello, world!";
static const char REQUEST[] = "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";

static void die(const char *what) {
    fprintf(stderr, "wire: %s: %s\n", what, strerror(errno));
    exit(2);
}

static int parse(const char *s, long lo, long hi, const char *what) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) {
        fprintf(stderr, "wire: bad %s '%s'\n", what, s);
        exit(2);
    }
    return (int) v;
}

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void set_int(int fd, int level, int option, int value, const char *what) {
    if (setsockopt(fd, level, option, &value, sizeof value) < 0) die(what);
}

static void send_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0) die("send");
        buf += n;
        len -= (size_t) n;
    }
}

/* Reads exactly len bytes (0 = until end of stream); returns the bytes read. */
static size_t recv_full(int fd, char *buf, size_t cap, size_t len) {
    size_t got = 0;
    while (got < cap && (len == 0 || got < len)) {
        ssize_t n = recv(fd, buf + got, cap - got, 0);
        if (n < 0) die("recv");
        if (n == 0) break;
        got += (size_t) n;
    }
    return got;
}

static int has_eol(const char *b, size_t len) {
    return memmem(b, len, "\n\n", 2) || memmem(b, len, "\n\r\n", 3);
}

static int loopback_socket(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    return fd;
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    return a;
}

static int listener(int port, int backlog, int *bound) {
    int fd = loopback_socket();
    set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    struct sockaddr_in a = loopback(port);
    if (bind(fd, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    if (listen(fd, backlog) < 0) die("listen");
    socklen_t alen = sizeof a;
    getsockname(fd, (struct sockaddr *) &a, &alen);
    *bound = ntohs(a.sin_port);
    return fd;
}

static int dial(int port) {
    int fd = loopback_socket();
    struct sockaddr_in a = loopback(port);
    if (connect(fd, (struct sockaddr *) &a, sizeof a) < 0) die("connect");
    return fd;
}

static int serve(const char *mode, int port, int backlog) {
    int cork = !strcmp(mode, "cork"), nodelay = !strcmp(mode, "nodelay");
    if (!cork && !nodelay && strcmp(mode, "plain")) {
        fprintf(stderr, "wire: mode is plain, cork or nodelay, not '%s'\n", mode);
        return 2;
    }
    int bound;
    int s = listener(port, backlog, &bound);
    printf("listening on 127.0.0.1:%d (backlog %d)\n", bound, backlog);
    fflush(stdout);
    for (;;) {
        int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) continue;
        if (nodelay) set_int(c, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
        char req[8192];
        size_t len = 0;
        while (len < sizeof req && !has_eol(req, len)) {
            ssize_t n = recv(c, req + len, sizeof req - len, 0);
            if (n <= 0) break;
            len += (size_t) n;
        }
        if (has_eol(req, len)) {
            if (cork) set_int(c, IPPROTO_TCP, TCP_CORK, 1, "TCP_CORK");
            send_all(c, HEADER, sizeof HEADER - 1);
            send_all(c, BODY, sizeof BODY - 1);
            if (cork) set_int(c, IPPROTO_TCP, TCP_CORK, 0, "TCP_CORK");
            shutdown(c, SHUT_RDWR);
        }
        close(c);
    }
}

static int count(int port, int n) {
    for (int i = 0; i < n; i++) {
        long long t0 = now_ns();
        int fd = dial(port);
        send_all(fd, REQUEST, sizeof REQUEST - 1);
        char buf[4096];
        recv_full(fd, buf, sizeof buf, 0);
        long long t1 = now_ns();
        struct tcp_info info;
        socklen_t ilen = sizeof info;
        if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &ilen) < 0) die("TCP_INFO");
        close(fd);
        printf("%u %lld\n", info.tcpi_data_segs_in, (t1 - t0) / 1000);
    }
    return 0;
}

/* The rtt experiment's server side: read a whole request, answer in two writes. */
struct rtt_server { int listen_fd, nodelay, rounds; };

static void *rtt_serve(void *arg) {
    struct rtt_server *rs = arg;
    int c = accept4(rs->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) die("accept");
    if (rs->nodelay) set_int(c, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
    char buf[256];
    for (int i = 0; i < rs->rounds; i++) {
        if (recv_full(c, buf, sizeof buf, sizeof REQUEST - 1) < sizeof REQUEST - 1) break;
        send_all(c, HEADER, sizeof HEADER - 1);
        send_all(c, BODY, sizeof BODY - 1);
    }
    close(c);
    return NULL;
}

static int rtt(const char *mode, int n) {
    int nodelay = !strcmp(mode, "off");
    if (!nodelay && strcmp(mode, "on")) {
        fprintf(stderr, "wire: Nagle is on or off, not '%s'\n", mode);
        return 2;
    }
    int port;
    struct rtt_server rs = {.listen_fd = listener(0, 1, &port), .nodelay = nodelay, .rounds = n};
    pthread_t server;
    pthread_create(&server, NULL, rtt_serve, &rs);
    int fd = dial(port);
    if (nodelay) set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
    size_t split = 16; /* "GET / HTTP/1.0\r\n", then the rest */
    size_t reply = sizeof HEADER - 1 + sizeof BODY - 1;
    char buf[256];
    for (int i = 0; i < n; i++) {
        long long t0 = now_ns();
        send_all(fd, REQUEST, split);
        send_all(fd, REQUEST + split, sizeof REQUEST - 1 - split);
        if (recv_full(fd, buf, sizeof buf, reply) < reply) die("short reply");
        printf("%lld\n", (now_ns() - t0) / 1000);
    }
    close(fd);
    pthread_join(server, NULL);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && !strcmp(argv[1], "serve") && argc <= 5) {
        return serve(argv[2], argc > 3 ? parse(argv[3], 0, 65535, "port") : 8080,
                     argc > 4 ? parse(argv[4], 0, 1 << 20, "backlog") : 1);
    }
    if (argc == 4 && !strcmp(argv[1], "count")) {
        return count(parse(argv[2], 1, 65535, "port"), parse(argv[3], 1, 1000000, "count"));
    }
    if (argc == 4 && !strcmp(argv[1], "rtt")) {
        return rtt(argv[2], parse(argv[3], 1, 1000000, "count"));
    }
    fprintf(stderr, "usage: wire serve plain|cork|nodelay [port [backlog]]\n"
                    "       wire count PORT N\n"
                    "       wire rtt on|off N\n");
    return 2;
}
