"""Draws the application icon (resources/icons/kesos.png and kesos.ico): a green rounded
square with a white house-and-heart mark. Made here; same licence as the project."""

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
GREEN, WHITE = (11, 110, 79, 255), (255, 255, 255, 255)


def draw(size: int = 512) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    s = size / 512
    d.rounded_rectangle([16 * s, 16 * s, 496 * s, 496 * s], radius=96 * s, fill=GREEN)
    d.polygon([(256 * s, 92 * s), (420 * s, 230 * s), (92 * s, 230 * s)], fill=WHITE)  # roof
    d.rectangle([130 * s, 226 * s, 382 * s, 408 * s], fill=WHITE)  # walls
    # a heart in the door place
    d.ellipse([196 * s, 258 * s, 258 * s, 320 * s], fill=GREEN)
    d.ellipse([254 * s, 258 * s, 316 * s, 320 * s], fill=GREEN)
    d.polygon([(200 * s, 300 * s), (312 * s, 300 * s), (256 * s, 372 * s)], fill=GREEN)
    return image


if __name__ == "__main__":
    folder = ROOT / "resources" / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    icon = draw()
    icon.resize((256, 256), Image.LANCZOS).save(folder / "kesos.png")
    icon.save(folder / "kesos.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    print("written", folder)
