/**
 * Test support for the chapters: run a chapter's server as a child JVM
 * ({@link testkit.ChapterProcess}), talk to it like polite and misbehaving
 * clients ({@link testkit.Clients}), and watch it through /proc
 * ({@link testkit.Proc}): open fds, CPU time, memory, the accept queue.
 *
 * <p>Plain Java, no dependencies, no JNI: java.net sockets and /proc files
 * only, so it tests the binding from the outside. Every wait is bounded and
 * fails with an {@link java.lang.AssertionError} that says what was awaited
 * and what was seen; no wait is a fixed sleep ({@link testkit.Await}).
 *
 * <p>A chapter's integration test ({@code src/test/java/workbook/ServerIT.java},
 * run by failsafe with testkit as a test-scoped dependency):
 *
 * <pre>{@code
 * class ServerIT {
 *     static final Duration LIMIT = Duration.ofSeconds(10);
 *
 *     @Test
 *     void answersAndSurvivesASilentClient() throws IOException {
 *         try (ChapterProcess server = ChapterProcess.start("workbook.Server", "0", "128")) {
 *             Clients.silentConnectAndClose(server.port());
 *             assertThat(Clients.exchange(server.port(), Article.REQUEST)).isEqualTo(Article.RESPONSE);
 *             server.awaitStdout(Article.DASHES + "\nGET / HTTP/1.0", LIMIT);
 *             assertThat(server.isAlive()).isTrue();
 *             assertThat(server.jniWarnings()).isEmpty();
 *         }
 *     }
 * }
 * }</pre>
 */
package testkit;
