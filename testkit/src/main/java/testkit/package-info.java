/**
 * Test support for the chapters: run a chapter's server as a child process ({@link testkit.ChapterProcess}),
 * talk to it like polite and misbehaving clients ({@link testkit.Clients}), and watch it through /proc
 * ({@link testkit.Proc}). Plain Java and /proc files, no JNI, so it tests the binding from the outside;
 * every wait is bounded ({@link testkit.Await}) and fails saying what was awaited and what was seen.
 * {@link testkit.ChapterTests} and {@link testkit.EpollChapterTests} are what every chapter must pass.
 */
package testkit;
