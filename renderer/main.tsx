import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './features/shell/app';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/layout-panels.css';
import './styles/chat.css';
import './styles/chat-messages.css';
import './styles/forms.css';
import './styles/verification.css';
import './styles/words.css';
import './styles/attach-preview.css';
import './styles/responsive.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
