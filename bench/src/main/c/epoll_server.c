/*
 * The C reference server: chapter 3's job without a JVM, the floor that the
 * chapters are measured against. One thread, level-triggered epoll, the same
 * steps in the same order as the article's example 3 (accept one connection
 * per event, read until "\n\n" or "\n\r\n", reply with the 114-byte response,
 * shutdown(SHUT_RDWR), close on EPOLLHUP), plus the workbook's fixes: end of
 * stream and errors close the connection, a request is capped.
 * It prints nothing per request: it is a measuring stick, not a chapter.
 *
 * usage: epoll-server [port [backlog]]   (defaults 8080 and 1, as the article)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const char RESPONSE[] =
    "HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n"
    "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
    "Hello, world!";
#define RESPONSE_LEN (sizeof RESPONSE - 1) /* 114 */
#define REQUEST_CAP 8192                   /* a request longer than this is cut off */
#define MAX_EVENTS 64

/* Per-connection state, indexed by file descriptor. */
struct conn {
    char request[REQUEST_CAP];
    size_t len;
    size_t sent;
};
static struct conn **conns;
static int max_fd;

static int parse(const char *s, int lo, int hi, const char *what) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) {
        fprintf(stderr, "bad %s '%s': expected %d..%d\n", what, s, lo, hi);
        exit(2);
    }
    return (int) v;
}

static void die(const char *call) {
    fprintf(stderr, "%s: %s\n", call, strerror(errno));
    exit(2);
}

static void drop(int ep, int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    free(conns[fd]);
    conns[fd] = NULL;
}

static int has_eol(const struct conn *c) {
    return memmem(c->request, c->len, "\n\n", 2) || memmem(c->request, c->len, "\n\r\n", 3);
}

int main(int argc, char **argv) {
    int port = argc > 1 ? parse(argv[1], 0, 65535, "port") : 8080;
    int backlog = argc > 2 ? parse(argv[2], 0, 1 << 20, "backlog") : 1;
    if (argc > 3) {
        fprintf(stderr, "usage: epoll-server [port [backlog]]\n");
        return 2;
    }
    /* Allow as many connections as the hard limit allows (the JVM does the same). */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    max_fd = (int) rl.rlim_cur;
    conns = calloc((size_t) max_fd, sizeof *conns);

    int serversocket = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (serversocket < 0) die("socket");
    int one = 1;
    setsockopt(serversocket, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    if (bind(serversocket, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
    if (listen(serversocket, backlog) < 0) die("listen");
    socklen_t alen = sizeof addr;
    getsockname(serversocket, (struct sockaddr *) &addr, &alen);
    printf("listening on 0.0.0.0:%d (backlog %d)\n", ntohs(addr.sin_port), backlog);
    fflush(stdout);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = serversocket};
    epoll_ctl(ep, EPOLL_CTL_ADD, serversocket, &ev);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, 1000);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            uint32_t event = events[i].events;
            if (fd == serversocket) {
                /* One accept per event, as the article: level-triggered epoll
                   reports the listening socket again while the queue is not empty. */
                int c = accept4(serversocket, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (c < 0) continue; /* the peer may have gone already */
                if (c >= max_fd) { close(c); continue; }
                conns[c] = calloc(1, sizeof **conns);
                struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
            } else if (event & EPOLLIN) {
                struct conn *c = conns[fd];
                size_t room = REQUEST_CAP - c->len;
                ssize_t got = recv(fd, c->request + c->len, room < 1024 ? room : 1024, 0);
                if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
                if (got <= 0) { /* end of stream or error */
                    drop(ep, fd);
                    continue;
                }
                c->len += (size_t) got;
                if (has_eol(c)) {
                    struct epoll_event out = {.events = EPOLLOUT, .data.fd = fd};
                    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &out);
                } else if (c->len == REQUEST_CAP) { /* no terminator within the cap */
                    drop(ep, fd);
                }
            } else if (event & EPOLLOUT) {
                struct conn *c = conns[fd];
                ssize_t put = send(fd, RESPONSE + c->sent, RESPONSE_LEN - c->sent, MSG_NOSIGNAL);
                if (put < 0) {
                    if (errno != EAGAIN && errno != EWOULDBLOCK) drop(ep, fd);
                    continue;
                }
                c->sent += (size_t) put;
                if (c->sent == RESPONSE_LEN) {
                    struct epoll_event none = {.events = 0, .data.fd = fd};
                    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &none);
                    shutdown(fd, SHUT_RDWR); /* EPOLLHUP follows */
                }
            } else if (event & (EPOLLHUP | EPOLLERR)) {
                drop(ep, fd);
            }
        }
    }
}
