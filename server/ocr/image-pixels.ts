/** Width × height of an image from its header (0 when the header cannot be read): pool recycling and the splitter's size gate. */
import { imageSize } from 'image-size';

export function pixelsOf(image: Uint8Array): number {
  try {
    const { width, height } = imageSize(image);
    return width * height;
  } catch {
    return 0;
  }
}
