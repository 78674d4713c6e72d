/*
 * Small TCP programs for the bench's cork, nagle and scaling experiments:
 * what goes on the wire is a matter of TCP options and write patterns, and
 * ten thousand idle connections are cheapest held by a C process. All traffic
 * stays on 127.0.0.0/8; every loop is bounded by its count argument or stdin.
 *
 *   tcp-tools count-segments PORT N
 *       N requests to 127.0.0.1:PORT, a fresh connection each; per request one
 *       line "data_segments_in latency_us", read from the client socket's
 *       TCP_INFO (tcpi_data_segs_in) after end of stream.
 *   tcp-tools round-trips on|off N
 *       N request/response round trips on one persistent connection where each
 *       side writes its message in two small writes, then reads the other's
 *       (write-write-read). "on" leaves Nagle on, "off" sets TCP_NODELAY on
 *       both sides. One line per round trip: "rtt_us".
 *   tcp-tools idle-crowd PORT FROM
 *       Idle connections to 127.0.0.1:PORT, held until stdin ends, then reset
 *       (SO_LINGER 0: no TIME_WAIT left behind). Each stdin line "N" opens N
 *       more and answers "open TOTAL" (or "stalled TOTAL" if some did not
 *       connect within 2 s); "check" answers "alive A closed C" (closed: the
 *       server hung up). FROM "spread" binds them to 127.0.0.2, 127.0.0.3, ...
 *       (5,000 each) with IP_BIND_ADDRESS_NO_PORT; FROM "one" connects them
 *       all from 127.0.0.1, as a plain client would.
 */
#include "common.h"
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

static const char REQUEST[] = "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
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

static int tcp_socket(int flags) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
    if (fd < 0) die("socket");
    return fd;
}

static struct sockaddr_in loopback(int host, int port) { /* 127.0.0.host */
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK - 1 + (uint32_t) host)};
    return a;
}

static int listener(int port, int backlog, int *bound) {
    int fd = tcp_socket(0);
    set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    struct sockaddr_in a = loopback(1, port);
    if (bind(fd, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    if (listen(fd, backlog) < 0) die("listen");
    socklen_t alen = sizeof a;
    if (getsockname(fd, (struct sockaddr *) &a, &alen) < 0) die("getsockname");
    *bound = ntohs(a.sin_port);
    return fd;
}

static int dial(int port) {
    int fd = tcp_socket(0);
    struct sockaddr_in a = loopback(1, port);
    if (connect(fd, (struct sockaddr *) &a, sizeof a) < 0) die("connect");
    return fd;
}

static int count_segments(int port, int n) {
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
        if (close(fd) < 0) die("close");
        printf("%u %lld\n", info.tcpi_data_segs_in, (t1 - t0) / 1000);
    }
    return 0;
}

/* The round-trip experiment's server side: read a whole request, answer in two writes. */
struct rtt_server { int listen_fd, nodelay, rounds; };

static void *rtt_serve(void *arg) {
    struct rtt_server *rs = arg;
    int c = accept4(rs->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) die("accept4");
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

static int round_trips(const char *mode, int n) {
    int nodelay = !strcmp(mode, "off");
    if (!nodelay && strcmp(mode, "on")) {
        fprintf(stderr, "tcp-tools: Nagle is on or off, not '%s'\n", mode);
        return 2;
    }
    int port;
    struct rtt_server rs = {.listen_fd = listener(0, 1, &port), .nodelay = nodelay, .rounds = n};
    pthread_t server;
    if ((errno = pthread_create(&server, NULL, rtt_serve, &rs))) die("pthread_create");
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
    if ((errno = pthread_join(server, NULL))) die("pthread_join");
    return 0;
}

#define PER_ADDRESS 5000 /* within the even ephemeral ports connect() prefers (see the scaling section) */

static int idle_crowd(int port, int spread) {
    struct pollfd *fds = NULL;
    size_t open = 0;
    char line[64];
    while (fgets(line, sizeof line, stdin)) {
        if (!strncmp(line, "check", 5)) {
            for (size_t i = 0; i < open; i++) fds[i].events = POLLIN | POLLRDHUP;
            int closed = poll(fds, open, 0);
            if (closed < 0) die("poll");
            printf("alive %zu closed %d\n", open - (size_t) closed, closed);
            fflush(stdout);
            continue;
        }
        line[strcspn(line, "\n")] = 0;
        size_t more = (size_t) parse(line, 1, 100000, "count"), first = open;
        if (!(fds = realloc(fds, (open + more) * sizeof *fds))) die("realloc");
        for (size_t i = 0; i < more; i++, open++) {
            int fd = tcp_socket(SOCK_NONBLOCK);
            if (spread) {
                set_int(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1, "IP_BIND_ADDRESS_NO_PORT");
                struct sockaddr_in from = loopback(2 + (int) (open / PER_ADDRESS), 0);
                if (bind(fd, (struct sockaddr *) &from, sizeof from) < 0) die("bind");
            }
            struct sockaddr_in to = loopback(1, port);
            if (connect(fd, (struct sockaddr *) &to, sizeof to) < 0 && errno != EINPROGRESS) die("connect");
            fds[open] = (struct pollfd) {.fd = fd, .events = POLLOUT};
        }
        /* Wait for the handshakes: a connection is writable once it is established. */
        long long end = now_ns() + 2000000000LL;
        size_t done = first;
        while (done < open && now_ns() < end) {
            if (poll(fds + done, 1, (int) ((end - now_ns()) / 1000000) + 1) < 0) die("poll");
            if (fds[done].revents) done++;
        }
        int stalled = 0;
        for (size_t i = first; i < open; i++) {
            int err = 0;
            socklen_t len = sizeof err;
            if (getsockopt(fds[i].fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) die("SO_ERROR");
            if (!fds[i].revents || err) stalled = 1;
        }
        printf("%s %zu\n", stalled ? "stalled" : "open", open);
        fflush(stdout);
    }
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    for (size_t i = 0; i < open; i++) {
        if (setsockopt(fds[i].fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) < 0) die("SO_LINGER");
        close(fds[i].fd);
    }
    return 0;
}

int main(int argc, char **argv) {
    program = "tcp-tools";
    if (argc == 4 && !strcmp(argv[1], "count-segments")) {
        return count_segments(parse(argv[2], 1, 65535, "port"), parse(argv[3], 1, 1000000, "count"));
    }
    if (argc == 4 && !strcmp(argv[1], "round-trips")) {
        return round_trips(argv[2], parse(argv[3], 1, 1000000, "count"));
    }
    if (argc == 4 && !strcmp(argv[1], "idle-crowd") && (!strcmp(argv[3], "spread") || !strcmp(argv[3], "one"))) {
        return idle_crowd(parse(argv[2], 1, 65535, "port"), !strcmp(argv[3], "spread"));
    }
    fprintf(stderr, "usage: tcp-tools count-segments PORT N\n"
                    "       tcp-tools round-trips on|off N\n"
                    "       tcp-tools idle-crowd PORT spread|one\n");
    return 2;
}
