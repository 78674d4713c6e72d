/**
 * For the chapters' tests: run a server ({@link ChapterProcess}), be its clients, polite and not ({@link Clients}),
 * watch it in /proc ({@link Proc}); plain Java, no JNI, testing the binding from outside. Each wait is bounded
 * ({@link Await}) and says what it awaited and saw. Every chapter's ServerIT extends {@link ChapterTests}.
 */
package testkit;
