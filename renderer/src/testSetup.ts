// jest-dom matchers (toBeInTheDocument, ...) for renderer tests that run under jsdom.
import '@testing-library/jest-dom/vitest';
