/**
 * A poster frame captured in the browser (SPEC §6 issue: "captured at upload"): the file is
 * opened in a hidden video element, seeked to a tenth of its length (at most 2 s in), drawn on a
 * canvas and encoded as JPEG. Null when this browser cannot decode the file.
 */
export async function capturePoster(file: Blob, timeoutMs = 8000): Promise<Blob | null> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.preload = 'auto';
  video.src = url;
  try {
    const frame = await new Promise<Blob | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      const finish = (b: Blob | null) => {
        clearTimeout(timer);
        resolve(b);
      };
      video.onerror = () => finish(null);
      video.onloadedmetadata = () => {
        const d = Number.isFinite(video.duration) ? video.duration : 0;
        video.currentTime = Math.min(2, d / 10);
      };
      video.onseeked = () => {
        const w = video.videoWidth;
        const h = video.videoHeight;
        if (!w || !h) return finish(null);
        const scale = Math.min(1, 1280 / w);
        const canvas = document.createElement('canvas');
        canvas.width = Math.round(w * scale);
        canvas.height = Math.round(h * scale);
        const ctx = canvas.getContext('2d');
        if (!ctx) return finish(null);
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        canvas.toBlob((b) => finish(b), 'image/jpeg', 0.85);
      };
    });
    return frame;
  } finally {
    video.removeAttribute('src');
    video.load();
    URL.revokeObjectURL(url);
  }
}
