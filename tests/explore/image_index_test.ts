import assert from "node:assert/strict";
import { join } from "node:path";
import { zipSync } from "fflate";
import { imageMimeType, openImageIndex } from "../../lib/explore/mod.ts";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 4, 5, 6]);

Deno.test("openImageIndex(zip) finds <identity>/<image> exactly, also under one wrapping folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const zip = join(dir, "DCFace.zip");
    await Deno.writeFile(
      zip,
      zipSync({ "DCFace/0/0.jpg": JPEG, "DCFace/1/0.jpg": PNG, "DCFace/1/1.png": PNG }),
    );
    const index = await openImageIndex(zip);
    try {
      assert.deepEqual(await index.get("0", "0.jpg"), JPEG);
      assert.deepEqual(
        await index.get("1", "0.jpg"),
        PNG,
        "the same file name in another identity is that identity's",
      );
      assert.equal(await index.get("2", "0.jpg"), undefined, "no search by file name");
      assert.equal(await index.get("DCFace", "0"), undefined);
      assert.equal(index.size(), 3);
    } finally {
      await index.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("imageMimeType(bytes) reads the signature, not the name", () => {
  assert.equal(imageMimeType(JPEG), "image/jpeg");
  assert.equal(imageMimeType(PNG), "image/png");
  assert.equal(imageMimeType(new TextEncoder().encode("GIF89a")), "image/gif");
  assert.equal(imageMimeType(new Uint8Array([1, 2, 3])), "application/octet-stream");
});
