/**
 * An echo server in a process of its own, as a real upstream is: its share of a burst of
 * connections runs on its own core. Sends its port to the parent over IPC; exits when the parent
 * disconnects.
 */
import { startServer } from './tcp.ts';

const echo = await startServer((s) => s.pipe(s));
process.send!(echo.port);
process.once('disconnect', () => void echo.close().then(() => process.exit(0)));
