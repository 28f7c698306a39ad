// Patient join page: preview, consent, join, answer the clinician's offer, chat, vitals,
// shared documents, quality indicator. Signaling schema: video/signaling.py; DataChannel
// schema: video/datachannel.py. State for automated tests is exposed as window.telemed.
"use strict";

const MAX_FILE_BYTES = 5 * 1024 * 1024;
const GATHER_TIMEOUT_MS = 5000;
const params = new URLSearchParams(location.search);
const fragment = new URLSearchParams(location.hash.slice(1));
const roomId = location.pathname.split("/").filter(Boolean).pop();
const token = fragment.get("t") || "";
const relayOnly = params.get("relay") === "1";

const $ = (id) => document.getElementById(id);
const telemed = (window.telemed = {
  state: "precheck", chat: [], vitals: [], files: [], mode: "video", errors: [],
  stats: {}, iceServers: null, localCandidateType: null, peerConnections: 0,
});

let localStream = null;
let pc = null;
let ws = null;
let channel = null;
let videoSender = null;
let iceServers = [];
let callStart = null;
const incoming = new Map();

function setState(state, text) {
  telemed.state = state;
  if (text) $("call-state").textContent = text;
}

function addChat(who, text) {
  const line = document.createElement("p");
  line.textContent = `${who}: ${text}`;
  $("chat-log").appendChild(line);
  $("chat-log").scrollTop = $("chat-log").scrollHeight;
}

async function preview() {
  try {
    localStream = await navigator.mediaDevices.getUserMedia({
      video: { width: 640, height: 480, frameRate: 30 }, audio: true,
    });
    $("preview").srcObject = localStream;
    $("device-status").textContent = "Videocamera e microfono funzionano.";
    meterMic(localStream);
  } catch (err) {
    $("device-status").textContent =
      "Videocamera o microfono non disponibili: potrà comunque partecipare con la chat.";
    telemed.errors.push("media:" + err.name);
  }
  $("consent").addEventListener("change", () => { $("join").disabled = !$("consent").checked; });
}

function meterMic(stream) {
  if (!stream.getAudioTracks().length) return;
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  ctx.createMediaStreamSource(stream).connect(analyser);
  const data = new Float32Array(analyser.fftSize);
  setInterval(() => {
    analyser.getFloatTimeDomainData(data);
    let sum = 0;
    for (const v of data) sum += v * v;
    $("mic-level").value = Math.min(1, Math.sqrt(sum / data.length) * 4);
  }, 200);
}

async function fetchIceServers() {
  const r = await fetch("/rtc/ice-servers?user=patient", { cache: "no-store" });
  if (!r.ok) throw new Error("ice-servers " + r.status);
  const body = await r.json();
  telemed.iceServers = body.iceServers;
  return body.iceServers;
}

function send(body) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(body));
}

async function join() {
  $("join").disabled = true;
  $("precheck").hidden = true;
  $("call").hidden = false;
  if (localStream) $("self").srcObject = localStream;
  try {
    iceServers = await fetchIceServers();
  } catch (err) {
    telemed.errors.push("ice:" + err.message);
    setState("failed", "Servizio non raggiungibile. Riprovi tra poco.");
    return;
  }
  openSignaling(0);
  setState("waiting", "In attesa del medico…");
}

// The signaling socket comes back by itself (back-off, about a minute in all); the media
// connection, if up, is not touched.
function openSignaling(attempt) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  ws = new WebSocket(`${scheme}//${location.host}/rtc/rooms/${roomId}/ws`);
  ws.onopen = () => { attempt = 0; send({ type: "join", token }); };
  ws.onmessage = (ev) => onSignal(ev.data).catch((err) => telemed.errors.push("signal:" + err));
  ws.onclose = (ev) => {
    if (telemed.state === "ended" || ev.code === 4401 || ev.code === 4409) return;
    telemed.signalingReconnects = (telemed.signalingReconnects || 0) + 1;
    if (attempt >= 10) {
      setState("disconnected", "Collegamento interrotto.");
      return;
    }
    if (!pc || pc.connectionState !== "connected") setState("reconnecting", "Riconnessione…");
    setTimeout(() => openSignaling(attempt + 1), Math.min(500 * 2 ** attempt, 8000));
  };
}

async function onSignal(text) {
  let msg;
  try { msg = JSON.parse(text); } catch { return; }
  if (telemed.state === "ended") return;  // e.g. the peer-left that follows a bye
  switch (msg.type) {
    case "joined":
      if (!pc || pc.connectionState !== "connected") setState("waiting", "In attesa del medico…");
      break;
    case "peer-joined": setState("waiting", "Il medico si sta collegando…"); break;
    case "peer-left": setState("waiting", "Il medico si è scollegato, attendere…"); break;
    case "offer": await answer(msg.sdp); break;
    case "candidate":
      if (pc && msg.candidate) await pc.addIceCandidate(msg.candidate).catch(() => {});
      break;
    case "bye": hangup(false); break;
    case "error": telemed.errors.push("server:" + msg.code); break;
  }
}

function newPeerConnection() {
  if (pc) pc.close();
  telemed.peerConnections += 1;
  pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: relayOnly ? "relay" : "all" });
  if (localStream) {
    for (const track of localStream.getTracks()) {
      const sender = pc.addTrack(track, localStream);
      if (track.kind === "video") videoSender = sender;
    }
  }
  pc.ontrack = (ev) => {
    // One stream for audio and video; re-assigning srcObject would restart the element.
    let stream = $("remote").srcObject;
    if (!stream) {
      stream = new MediaStream();
      $("remote").srcObject = stream;
    }
    for (const old of stream.getTracks().filter((t) => t.kind === ev.track.kind)) {
      stream.removeTrack(old);
    }
    stream.addTrack(ev.track);
  };
  pc.ondatachannel = (ev) => setupChannel(ev.channel);
  pc.onconnectionstatechange = () => {
    const s = pc.connectionState;
    if (s === "connected") {
      keepResolution();
      setState("connected", "In collegamento con il medico.");
      if (!callStart) callStart = Date.now();
    } else if (s === "failed") {
      setState("reconnecting", "Collegamento debole, riconnessione…");
      send({ type: "ice-restart" });
    }
  };
  return pc;
}

async function answer(sdp) {
  const peer = newPeerConnection();
  await peer.setRemoteDescription({ type: "offer", sdp });
  await peer.setLocalDescription(await peer.createAnswer());
  // The workstation (aiortc) does not trickle: send one answer with every candidate gathered.
  await new Promise((resolve) => {
    if (peer.iceGatheringState === "complete") return resolve();
    const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
    peer.addEventListener("icegatheringstatechange", () => {
      if (peer.iceGatheringState === "complete") { clearTimeout(timer); resolve(); }
    });
  });
  if (peer !== pc) return;
  send({ type: "answer", sdp: peer.localDescription.sdp });
}

// A clinician needs detail more than motion: on a weak link drop frames, keep the resolution.
function keepResolution() {
  if (!videoSender) return;
  const p = videoSender.getParameters();
  if (!p.encodings || !p.encodings.length) return;
  p.degradationPreference = "maintain-resolution";
  videoSender.setParameters(p).catch((err) => telemed.errors.push("params:" + err.name));
}

function setupChannel(ch) {
  channel = ch;
  ch.onmessage = (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    onChannelMessage(msg);
  };
}

function onChannelMessage(msg) {
  switch (msg.type) {
    case "chat":
      if (typeof msg.text === "string") { telemed.chat.push({ from: "clinician", text: msg.text }); addChat("Medico", msg.text); }
      break;
    case "vitals": {
      telemed.vitals.push(msg);
      $("vitals").textContent = `${msg.label}: ${msg.value} ${msg.unit}`;
      break;
    }
    case "mode":
      telemed.mode = msg.level;
      $("mode").textContent = {
        "video": "", "low-video": "Video a bassa qualità per la rete lenta.",
        "audio-only": "Solo audio: la rete è troppo lenta per il video.",
        "chat-only": "Solo chat: la rete è troppo lenta per audio e video.",
      }[msg.level] || "";
      break;
    case "file-begin":
      if (typeof msg.size === "number" && msg.size <= MAX_FILE_BYTES) {
        incoming.set(msg.id, { meta: msg, parts: [], received: 0 });
      }
      break;
    case "file-chunk": {
      const f = incoming.get(msg.id);
      if (!f) break;
      const bytes = Uint8Array.from(atob(msg.data), (c) => c.charCodeAt(0));
      f.received += bytes.length;
      if (f.received > f.meta.size) { incoming.delete(msg.id); break; }
      f.parts.push(bytes);
      break;
    }
    case "file-end": finishFile(msg.id); break;
  }
}

async function finishFile(id) {
  const f = incoming.get(id);
  incoming.delete(id);
  if (!f || f.received !== f.meta.size) return;
  const blob = new Blob(f.parts, { type: f.meta.mime || "application/octet-stream" });
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const ok = hex === f.meta.sha256;
  telemed.files.push({ name: f.meta.name, size: f.received, sha256: hex, ok });
  if (!ok) return;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = f.meta.name;
  link.textContent = `Documento: ${f.meta.name}`;
  $("files").appendChild(link);
}

function sendChat(text) {
  if (!channel || channel.readyState !== "open" || !text) return false;
  channel.send(JSON.stringify({ type: "chat", text }));
  telemed.chat.push({ from: "patient", text });
  addChat("Io", text);
  return true;
}
telemed.sendChat = sendChat;

function hangup(notify = true) {
  if (notify) send({ type: "bye", reason: "patient hung up" });
  if (pc) pc.close();
  pc = null;
  setState("ended", "Televisita terminata. Grazie.");
}

// Quality indicator: the same thresholds as video/quality.py.
function grade(rttMs, lossPct, fps) {
  if (rttMs < 250 && lossPct < 2 && (fps === null || fps >= 20)) return ["good", "buona"];
  if (rttMs < 500 && lossPct < 8) return ["fair", "discreta"];
  return ["poor", "scarsa"];
}

let previous = null;
async function pollStats() {
  if (pc) {
    const report = await pc.getStats();
    const now = performance.now();
    const s = { rttMs: 0, lost: 0, received: 0, bytes: 0, framesDecoded: 0, fps: null,
      width: 0, height: 0, audioSamples: 0, audioEnergy: 0, audioConcealed: 0, framesSent: 0 };
    const byId = new Map();
    report.forEach((r) => byId.set(r.id, r));
    report.forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video") {
        s.framesDecoded = r.framesDecoded || 0; s.width = r.frameWidth || 0;
        s.freezeS = r.totalFreezesDuration || 0;
        s.height = r.frameHeight || 0; s.lost += r.packetsLost || 0;
        s.received += r.packetsReceived || 0; s.bytes += r.bytesReceived || 0;
      } else if (r.type === "inbound-rtp" && r.kind === "audio") {
        s.audioSamples = r.totalSamplesReceived || 0; s.audioEnergy = r.totalAudioEnergy || 0;
        s.audioConcealed = r.concealedSamples || 0;
        s.lost += r.packetsLost || 0; s.received += r.packetsReceived || 0;
        s.bytes += r.bytesReceived || 0;
      } else if (r.type === "outbound-rtp" && r.kind === "video") {
        s.framesSent = r.framesSent || 0;
      } else if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") {
        s.rttMs = (r.currentRoundTripTime || 0) * 1000;
        const local = byId.get(r.localCandidateId);
        if (local) telemed.localCandidateType = local.candidateType;
      }
    });
    if (previous) {
      const dt = (now - previous.t) / 1000;
      s.fps = dt > 0 ? (s.framesDecoded - previous.framesDecoded) / dt : null;
      s.kbps = dt > 0 ? ((s.bytes - previous.bytes) * 8) / dt / 1000 : 0;
      const dl = s.lost - previous.lost, dr = s.received - previous.received;
      s.lossPct = dl + dr > 0 ? (100 * dl) / (dl + dr) : 0;
    }
    previous = { t: now, framesDecoded: s.framesDecoded, bytes: s.bytes, lost: s.lost, received: s.received };
    telemed.stats = s;
    if (s.fps !== null && s.lossPct !== undefined) {
      const [cls, word] = grade(s.rttMs, s.lossPct, telemed.mode === "video" ? s.fps : null);
      const q = $("quality");
      q.className = "q-" + cls;
      q.textContent = `Qualità: ${word} (RTT ${s.rttMs.toFixed(0)} ms, perdita ${s.lossPct.toFixed(1)}%, ` +
        `${s.kbps.toFixed(0)} kbit/s, ${s.fps.toFixed(0)} fps)`;
    }
  }
  if (callStart) {
    const secs = Math.floor((Date.now() - callStart) / 1000);
    $("timer").textContent = `${String(Math.floor(secs / 60)).padStart(2, "0")}:${String(secs % 60).padStart(2, "0")}`;
  }
}
setInterval(() => pollStats().catch(() => {}), 1000);

$("join").addEventListener("click", join);
$("hangup").addEventListener("click", () => hangup(true));
$("chat-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  if (sendChat($("chat-input").value.trim())) $("chat-input").value = "";
});
preview();
