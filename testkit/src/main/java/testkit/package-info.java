/**
 * Test support for the chapters: run a chapter's server as a child process ({@link ChapterProcess}), talk to it
 * like polite and misbehaving clients ({@link Clients}), and watch it through /proc ({@link Proc}). Plain Java and
 * /proc files, no JNI, so it tests the binding from the outside; every wait is bounded ({@link Await}) and fails
 * saying what was awaited and what was seen. {@link ChapterTests} and {@link EpollChapterTests} are for every chapter.
 */
package testkit;
