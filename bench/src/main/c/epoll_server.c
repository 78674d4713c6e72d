/*
 * The C reference server: chapter 3's job without a JVM, the floor the chapters are measured against. One thread,
 * level-triggered epoll, the article's example 3 step by step (one accept per event, read until "\n\n" or "\n\r\n",
 * the 114-byte response, shutdown(SHUT_RDWR), close on EPOLLHUP), with the workbook's fixes: end of stream and errors
 * close the connection, a request is capped, and a failed accept (EMFILE: out of descriptors) rests the listening
 * socket until the next wake-up instead of spinning, as chapter 3 does. Every call is checked. Nothing is printed
 * per request: it is a measuring stick, not a chapter. Port and backlog default to 8080 and 1, as the article. A mode
 * (the cork experiment) sends the reply in two: plain = Nagle on, cork = TCP_CORK around them, nodelay = TCP_NODELAY.
 */
#include "common.h"
#include <sys/epoll.h>
#include <sys/resource.h>

static const char RESPONSE[] = "HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n"
                               "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";
#define RESPONSE_LEN (sizeof RESPONSE - 1) /* 114 */
#define HEADER_LEN (RESPONSE_LEN - 13)     /* a two-send mode sends the header, then "Hello, world!" */
#define REQUEST_CAP 8192                   /* a request longer than this is cut off */
#define MAX_EVENTS 64

struct conn { size_t len, sent; char request[REQUEST_CAP]; }; /* per connection, indexed by file descriptor */
static struct conn **conns;
static int ep;
static enum { ONE_SEND, PLAIN, CORK, NODELAY } mode;

static int watch(int op, int fd, uint32_t events) {
    return epoll_ctl(ep, op, fd, &(struct epoll_event) {.events = events, .data.fd = fd});
}

/* A change to a registration that exists cannot fail but for a bug: stop. */
static void rewatch(int fd, uint32_t events) {
    if (watch(EPOLL_CTL_MOD, fd, events) < 0) err(2, "epoll_ctl(MOD)");
}

/* Ends a connection: end of stream, an error, the hang-up after the reply, or one it could not watch (ENOENT). */
static void drop(int fd, const char *why) {
    if (why) fprintf(stderr, "fd %d: %s: %s\n", fd, why, strerror(errno));
    if (watch(EPOLL_CTL_DEL, fd, 0) < 0 && errno != ENOENT) err(2, "epoll_ctl(DEL)");
    if (close(fd) < 0) fprintf(stderr, "close(fd %d): %s\n", fd, strerror(errno)); /* never retried */
    free(conns[fd]);
    conns[fd] = NULL;
}

int main(int argc, char **argv) {
    const char *modes[] = {"", "plain", "cork", "nodelay"};
    for (int m = 1; argc == 4 && m < 4; m++)
        if (!strcmp(argv[3], modes[m])) mode = m;
    if (argc > 4 || (argc == 4 && !mode)) errx(2, "usage: epoll-server [port [backlog [plain|cork|nodelay]]]");
    int port = argc > 1 ? parse(argv[1], 0, 65535, "port") : 8080;
    int backlog = argc > 2 ? parse(argv[2], 0, 1 << 20, "backlog") : 1;
    /* As many connections as the hard limit allows (the JVM raises its limit the same way). */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0) err(2, "getrlimit");
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) err(2, "setrlimit");
    if (!(conns = calloc(rl.rlim_cur, sizeof *conns))) err(2, "calloc");
    int serversocket = tcp_socket(0);
    set_int(serversocket, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    if (bind(serversocket, (struct sockaddr *) &addr, sizeof addr) < 0) err(2, "bind");
    if (listen(serversocket, backlog) < 0) err(2, "listen");
    if (getsockname(serversocket, (struct sockaddr *) &addr, &(socklen_t) {sizeof addr}) < 0) err(2, "getsockname");
    dprintf(STDOUT_FILENO, "listening on 0.0.0.0:%d (backlog %d)\n", ntohs(addr.sin_port), backlog);
    if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0) err(2, "epoll_create1");
    if (watch(EPOLL_CTL_ADD, serversocket, EPOLLIN) < 0) err(2, "epoll_ctl(ADD)");
    struct epoll_event events[MAX_EVENTS];
    int resting = 0;
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, 1000);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) err(2, "epoll_wait");
        if (resting) { /* after a failed accept the listening socket rested until this wake-up */
            rewatch(serversocket, EPOLLIN);
            resting = 0;
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            struct conn *c = conns[fd];
            if (fd == serversocket) {
                /* One accept: level-triggered epoll reports the listening socket again while the queue is not empty. */
                int a = accept4(serversocket, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (a < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK) continue; /* the peer gave up meanwhile */
                    /* The connection stays queued, so epoll would report it again at once, in a spin. */
                    fprintf(stderr, "accept4: %s\n", strerror(errno));
                    rewatch(serversocket, 0);
                    resting = 1;
                } else if (!(conns[a] = calloc(1, sizeof **conns)) || watch(EPOLL_CTL_ADD, a, EPOLLIN) < 0) {
                    drop(a, "cannot watch it");
                } else if (mode == NODELAY) {
                    set_int(a, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
                }
            } else if (events[i].events & EPOLLIN) {
                size_t room = REQUEST_CAP - c->len;
                ssize_t got = recv(fd, c->request + c->len, room < 1024 ? room : 1024, 0);
                if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
                if (got <= 0) {
                    drop(fd, got < 0 ? "recv" : NULL); /* an error, or end of stream */
                    continue;
                }
                c->len += (size_t) got;
                if (memmem(c->request, c->len, "\n\n", 2) || memmem(c->request, c->len, "\n\r\n", 3)) {
                    rewatch(fd, EPOLLOUT);
                } else if (c->len == REQUEST_CAP) {
                    fprintf(stderr, "fd %d: hung up on after %zu bytes, no complete request\n", fd, c->len);
                    drop(fd, NULL);
                }
            } else if (events[i].events & EPOLLOUT) {
                if (mode == CORK && c->sent == 0) set_int(fd, IPPROTO_TCP, TCP_CORK, 1, "TCP_CORK");
                ssize_t put = 0;
                while (c->sent < RESPONSE_LEN && put >= 0) {
                    size_t end = mode != ONE_SEND && c->sent < HEADER_LEN ? HEADER_LEN : RESPONSE_LEN;
                    put = send(fd, RESPONSE + c->sent, end - c->sent, MSG_NOSIGNAL);
                    if (put > 0) c->sent += (size_t) put;
                }
                if (put < 0 && errno != EAGAIN && errno != EWOULDBLOCK) drop(fd, "send");
                if (put < 0) continue; /* the rest when EPOLLOUT comes again */
                if (mode == CORK) set_int(fd, IPPROTO_TCP, TCP_CORK, 0, "TCP_CORK");
                rewatch(fd, 0);
                if (shutdown(fd, SHUT_RDWR) < 0) drop(fd, "shutdown"); /* else EPOLLHUP follows */
            } else if (events[i].events & (EPOLLHUP | EPOLLERR)) {
                drop(fd, NULL);
            }
        }
    }
}
