import { describe, expect, it } from 'vitest';
import { hcl, hsv, hueColors, terrainColors } from './colors';

describe('terrainColors', () => {
  it("gives R's terrain.colors(12), the course's plot_channel palette", () => {
    // From R's definition (grDevices colorstuff.R): k = 6 colours from hsv(4/12, 1, 0.65) to
    // hsv(2/12, 1, 0.9), then 6 from hsv(2/12, 1, 0.9) (excluded) to hsv(0, 0, 0.95); hsv2rgb as
    // grDevices' colors.c and bytes as ScaleColor, (int)(255 * x + 0.5). R prints:
    expect(terrainColors(12)).toEqual([
      '#00A600', '#24B300', '#4CBF00', '#7ACC00', '#ADD900', '#E6E600',
      '#E8C727', '#EAB64E', '#ECB176', '#EEB99F', '#F0CFC8', '#F2F2F2',
    ]);
  });

  it('follows R for other lengths: ends at hsv(0, 0, 0.95) = #F2F2F2, odd n and n = 1', () => {
    expect(terrainColors(3)).toEqual(['#00A600', '#ECB176', '#F2F2F2']);
    // n = 1: k = 0, so only the second half's last colour remains.
    expect(terrainColors(1)).toEqual(['#F2F2F2']);
    expect(terrainColors(0)).toEqual([]);
    expect(terrainColors(2)).toEqual(['#00A600', '#F2F2F2']);
  });

  it('rejects a bad n', () => {
    expect(() => terrainColors(2.5)).toThrow('terrainColors: n must be a non-negative integer. Received: n=2.5');
  });
});

describe('hsv and hcl', () => {
  it("match R's hsv() and hcl()", () => {
    expect(hsv(0, 1, 1)).toBe('#FF0000');
    expect(hsv(1 / 3, 1, 0.65)).toBe('#00A600');
    expect(hsv(0, 0, 0.95)).toBe('#F2F2F2');
    expect(hcl(15, 100, 65)).toBe('#F8766D');
    expect(hcl(195, 100, 65)).toBe('#00BFC4');
    expect(() => hsv(1.5, 1, 1)).toThrow('hsv: h must be in [0, 1]. Received: h=1.5');
  });

  it("hueColors is ggplot2's default discrete palette", () => {
    expect(hueColors(2)).toEqual(['#F8766D', '#00BFC4']);
    expect(hueColors(3)).toEqual(['#F8766D', '#00BA38', '#619CFF']);
    expect(hueColors(4)).toEqual(['#F8766D', '#7CAE00', '#00BFC4', '#C77CFF']);
  });
});
