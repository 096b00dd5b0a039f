// The benchmark's forwarding destination, in a process of its own so that receiving bodies
// does not hold up the load generator's event loop: answers 204 to every POST and prints
// `<webhook-id> <epoch ms>` per receipt. Prints its port first.
import http from "node:http";
import type { AddressInfo } from "node:net";

const server = http.createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    process.stdout.write(`${request.headers["webhook-id"]} ${Date.now()}\n`);
    response.writeHead(204).end();
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`));
