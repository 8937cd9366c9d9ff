// A `wasi:http/proxy` handler in JavaScript (jco componentize, on
// StarlingMonkey), written against the web's fetch event. The path picks
// what it does:
//
// - `GET /hello`: a plain text greeting;
// - `POST /echo`: the request body streamed back as it arrives;
// - `GET /headers`: reads `x-greeting`, answers with `x-reply`;
// - `GET /fetch`: a GET of the URL in `x-upstream`, passed on;
// - anything else: a 404.

async function handle(request) {
  const url = new URL(request.url);
  const method = request.method;
  if (method === "GET" && url.pathname === "/hello") {
    return new Response("hello from javascript\n", {
      headers: { "content-type": "text/plain" },
    });
  }
  if (method === "POST" && url.pathname === "/echo") {
    return new Response(request.body, {
      headers: {
        "content-type":
          request.headers.get("content-type") ?? "application/octet-stream",
      },
    });
  }
  if (method === "GET" && url.pathname === "/headers") {
    const greeting = request.headers.get("x-greeting") ?? "";
    return new Response(`method: ${method}\npath: ${url.pathname}\ngreeting: ${greeting}\n`, {
      headers: { "content-type": "text/plain", "x-reply": `${greeting} back` },
    });
  }
  if (method === "GET" && url.pathname === "/fetch") {
    try {
      const upstream = await fetch(request.headers.get("x-upstream"), {
        headers: { "x-from": "js-http" },
      });
      const text = await upstream.text();
      return new Response(`upstream status ${upstream.status}\n${text}`, {
        headers: { "content-type": "text/plain" },
      });
    } catch (e) {
      return new Response(`failed: ${e}\n`, { status: 502 });
    }
  }
  return new Response(`not found: ${url.pathname}\n`, {
    status: 404,
    headers: { "content-type": "text/plain" },
  });
}

addEventListener("fetch", (event) => event.respondWith(handle(event.request)));
