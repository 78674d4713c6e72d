package workbook;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

        ServerSocket serversocket = new ServerSocket();
        serversocket.setReuseAddress(true);
        bind(serversocket, port, backlog);
        System.out.println("listening on 0.0.0.0:" + serversocket.getLocalPort() + " (backlog " + backlog + ")");

        try (Socket connectiontoclient = serversocket.accept()) {
            byte[] request = new byte[0];
            while (!contains(request, EOL1) && !contains(request, EOL2)) {
                if (request.length > REQUEST_LIMIT) {
                    throw new IOException("request longer than " + REQUEST_LIMIT
                            + " bytes without a blank line; cut off");
                }
                request = concat(request, recv(connectiontoclient, 1024));
            }
            System.out.println("-".repeat(40) + "\n" + decode(request));
            connectiontoclient.getOutputStream().write(response);
        } catch (IOException error) {
            // Fix: a client that resets, or never finishes its request, costs one line here, not the server.
            System.err.println(error.getMessage());
        }

        serversocket.close();
    }

    /**
     * Like Python's {@code socket.recv(bufsize)}: at most {@code bufsize} bytes, waiting for at least one.
     * Fix: at end of stream Python's recv returns nothing, again and again, and the read loop never ends;
     * this one throws instead.
     */
    static byte[] recv(Socket connection, int bufsize) throws IOException {
        byte[] buffer = new byte[bufsize];
        int received = connection.getInputStream().read(buffer);
        if (received < 0) {
            throw new IOException("the client closed before its request was complete");
        }
        return Arrays.copyOf(buffer, received);
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

    /** Python's {@code first + second} for bytes. */
    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
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

    static void bind(ServerSocket serversocket, int port, int backlog) {
        try {
            serversocket.bind(new InetSocketAddress("0.0.0.0", port), backlog);
        } catch (IOException e) {
            fail("cannot listen on 0.0.0.0:" + port + ": " + e.getMessage());
        }
    }

    static void fail(String problem) {
        System.err.println("error: " + problem);
        System.exit(2);
    }
}
