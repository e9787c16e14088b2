/**
 * Lets `style` set CSS custom properties (`style={{ '--bar': '40%' }}`): the only inline style the dashboard
 * keeps, for values that come from the data (a bar's length, a colour per status code); styles.css uses them.
 */
import 'react';

declare module 'react' {
  interface CSSProperties {
    [property: `--${string}`]: string | number | undefined;
  }
}
