package workbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import workbook.epoll.ErrnoException;
import workbook.epoll.LinuxSocket;
import workbook.epoll.Poll;
import workbook.epoll.Select;
import workbook.epoll.WouldBlockException;

/** The article's HTTP server at one step; docs/README.md says which step each module is. */
public class Server {
    static final byte[] EOL1 = "\n\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EOL2 = "\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] response = ("HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
            + "Hello, world!").getBytes(StandardCharsets.US_ASCII);
    /** Fix: a request may not grow without bound; a client that sends more without a blank line is cut off. */
    static final int REQUEST_LIMIT = 8192;

    public static void main(String[] args) throws IOException {
        int port = argument(args, 0, "port", 8080);
        int backlog = argument(args, 1, "backlog", 1);

        LinuxSocket serversocket = LinuxSocket.tcp();
        serversocket.setsockopt(LinuxSocket.SOL_SOCKET, LinuxSocket.SO_REUSEADDR, 1);
        bind(serversocket, port);
        serversocket.listen(backlog);
        serversocket.setblocking(false);
        System.out.println("listening on 0.0.0.0:" + serversocket.getsockname().getPort()
                + " (backlog " + backlog + ")");

        // select(2) keeps no interest list in the kernel: the program keeps it (fd -> what to watch for, in poll's
        // bits, the kernel's own), and every select hands all of it over.
        Map<Integer, Integer> interest = new HashMap<>();
        interest.put(serversocket.fileno(), Poll.POLLIN);

        try {
            Map<Integer, LinuxSocket> connections = new HashMap<>();
            Map<Integer, byte[]> requests = new HashMap<>();
            Map<Integer, byte[]> responses = new HashMap<>();
            boolean accepting = true;
            while (true) {
                List<Poll.Event> events = select(interest, 1);
                if (!accepting) {
                    // Fix: after a failed accept the listening socket rested until this wake-up; watch it again.
                    interest.put(serversocket.fileno(), Poll.POLLIN);
                    accepting = true;
                }
                for (Poll.Event ready : events) {
                    int fileno = ready.fileno(), event = ready.events();
                    try {
                        if (fileno == serversocket.fileno()) {
                            LinuxSocket connection = serversocket.accept().socket();
                            try {
                                connection.setblocking(false);
                                if (connection.fileno() >= Select.FD_SETSIZE) {
                                    throw new IOException("fd " + connection.fileno() + ": select(2) cannot watch a"
                                            + " descriptor at or above FD_SETSIZE (" + Select.FD_SETSIZE + "): closed");
                                }
                                interest.put(connection.fileno(), Poll.POLLIN);
                            } catch (IOException unwatched) {
                                // Fix: a connection that select cannot watch is closed at once, not leaked.
                                System.err.println(unwatched.getMessage());
                                connection.close();
                                continue;
                            }
                            connections.put(connection.fileno(), connection);
                            requests.put(connection.fileno(), new byte[0]);
                            responses.put(connection.fileno(), response);
                        } else if ((event & Poll.POLLIN) != 0) {
                            byte[] received = connections.get(fileno).recv(1024);
                            requests.merge(fileno, received, Server::concat);
                            boolean ended = received.length == 0 || requests.get(fileno).length > REQUEST_LIMIT;
                            if (contains(requests.get(fileno), EOL1) || contains(requests.get(fileno), EOL2)) {
                                interest.put(fileno, Poll.POLLOUT);
                                System.out.println("-".repeat(40) + "\n" + decode(requests.get(fileno)));
                            } else if (ended) {
                                // Fix: at end of stream recv returns nothing, forever: hang up, as after a reply.
                                System.err.println("fd " + fileno + ": hung up on after "
                                        + requests.get(fileno).length + " bytes, no complete request");
                                interest.put(fileno, 0);
                                connections.get(fileno).shutdown(LinuxSocket.SHUT_RDWR);
                            }
                        } else if ((event & Poll.POLLOUT) != 0) {
                            int byteswritten = connections.get(fileno).send(responses.get(fileno));
                            responses.put(fileno, slice(responses.get(fileno), byteswritten));
                            if (responses.get(fileno).length == 0) {
                                interest.put(fileno, 0);
                                connections.get(fileno).shutdown(LinuxSocket.SHUT_RDWR);
                            }
                        } else if ((event & Poll.POLLHUP) != 0) {
                            interest.remove(fileno);
                            connections.get(fileno).close();
                            connections.remove(fileno);
                            requests.remove(fileno);
                            responses.remove(fileno);
                        }
                    } catch (WouldBlockException notReadyAfterAll) {
                        // Readiness can be spurious (select(2), BUGS): wait until select reports the socket again.
                    } catch (IOException error) {
                        // Fix: a failing connection (reset, broken pipe) is closed, not the server.
                        System.err.println(error.getMessage());
                        if (connections.containsKey(fileno)) {
                            interest.remove(fileno);
                            connections.get(fileno).close();
                            connections.remove(fileno);
                            requests.remove(fileno);
                            responses.remove(fileno);
                        } else if (fileno == serversocket.fileno()) {
                            // Fix: accept failed (EMFILE, out of descriptors, say) and the connection stays
                            // queued, so select would report it again at once, in a spin: stop watching the
                            // listening socket until the next wake-up (left out: select has no mask 0).
                            interest.remove(fileno);
                            accepting = false;
                        }
                    }
                }
            }
        } finally {
            interest.remove(serversocket.fileno());
            serversocket.close();
        }
    }

    /**
     * One select(2) over the whole interest map, answered as poll(2) would: (fd, events) pairs. Every call
     * builds the lists and the kernel scans them: O(n) for n descriptors watched, where epoll_wait's cost
     * follows the ready ones. select has no hang-up event, but a socket shut down on both sides is readable
     * (the kernel's POLLIN_SET holds POLLHUP), so one watched with mask 0 goes in the read list, and its
     * readiness is the hang-up: without it, the server would never learn when to close it.
     */
    static List<Poll.Event> select(Map<Integer, Integer> interest, double timeout) throws IOException {
        List<Integer> rlist = new ArrayList<>(), wlist = new ArrayList<>();
        interest.forEach((fd, mask) -> (mask == Poll.POLLOUT ? wlist : rlist).add(fd));
        Select.Ready ready = Select.select(rlist, wlist, List.of(), timeout);
        List<Poll.Event> events = new ArrayList<>();
        for (int fd : ready.readable()) {
            events.add(new Poll.Event(fd, interest.get(fd) == 0 ? Poll.POLLHUP : Poll.POLLIN));
        }
        for (int fd : ready.writable()) {
            events.add(new Poll.Event(fd, Poll.POLLOUT));
        }
        return events;
    }

    /**
     * Like Python's {@code bytes.decode()[:-2]}, except that bytes that are not UTF-8
     * become U+FFFD instead of an error.
     */
    static String decode(byte[] request) {
        String text = new String(request, StandardCharsets.UTF_8);
        return text.substring(0, text.length() - 2);
    }

    /** Python's {@code part in data} for bytes. */
    static boolean contains(byte[] data, byte[] part) {
        for (int start = 0; start + part.length <= data.length; start++) {
            if (Arrays.equals(data, start, start + part.length, part, 0, part.length)) {
                return true;
            }
        }
        return false;
    }

    /** Python's {@code first + second} for bytes (so {@code requests.merge} is the article's {@code +=}). */
    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** Python's {@code data[start:]}: the bytes from {@code start} on. */
    static byte[] slice(byte[] data, int start) {
        return Arrays.copyOfRange(data, start, data.length);
    }

    /** The optional arguments [port [backlog]]: anything else ends the program with one line and exit code 2. */
    static int argument(String[] args, int index, String name, int fallback) {
        if (args.length > 2) {
            fail("too many arguments; usage: Server [port [backlog]]");
        }
        if (index >= args.length) {
            return fallback;
        }
        if (!args[index].matches("[0-9]{1,5}") || Integer.parseInt(args[index]) > 65535) {
            fail(name + " must be a number from 0 to 65535, not '" + args[index] + "'; usage: Server [port [backlog]]");
        }
        return Integer.parseInt(args[index]);
    }

    static void bind(LinuxSocket serversocket, int port) {
        try {
            serversocket.bind("0.0.0.0", port);
        } catch (ErrnoException e) {
            fail("cannot listen on 0.0.0.0:" + port + ": " + e.strerror());
        }
    }

    static void fail(String problem) {
        System.err.println("error: " + problem);
        System.exit(2);
    }
}
