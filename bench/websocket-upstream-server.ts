// A WebSocket upstream that accepts and holds connections, for bench/idle-websockets.ts.
// Usage: node --import tsx bench/websocket-upstream-server.ts
import { WebSocketServer } from 'ws';
import { announcePort, exitWhenParentGoes } from './child-lifeline';

exitWhenParentGoes();
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
server.on('listening', () => announcePort((server.address() as { port: number }).port));
